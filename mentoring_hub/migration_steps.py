"""Steps that migrations of several apps share."""


def relabel_content_types(apps, schema_editor, models, old_label, new_label):
    """Point the content types of `models` (model names) from app `old_label` to
    `new_label`, keeping their ids: permissions, groups' and users' rights and admin
    history follow a model that moved between apps. A model whose new content type
    exists already (created by an earlier migrate) keeps that one."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    types = ContentType.objects.using(schema_editor.connection.alias)
    taken = set(types.filter(app_label=new_label, model__in=models).values_list("model", flat=True))
    types.filter(app_label=old_label, model__in=set(models) - taken).update(app_label=new_label)
