"""Form helpers every app's forms share."""


def no_silent_truncation(form):
    """Browsers cut pasted text at `maxlength` without a word; we check length on the
    server instead and say by how much it is over."""
    for field in form.fields.values():
        field.widget.attrs.pop("maxlength", None)


class ServerLimits:
    """Form mixin: length limits are checked on the server, with a message."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        no_silent_truncation(self)
