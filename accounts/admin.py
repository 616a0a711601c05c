from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import EmailOptOut, User
from mentoring_hub.admin import ModelAdmin


@admin.register(User)
class UserAdmin(ModelAdmin, DjangoUserAdmin):
    list_display = ["email", "first_name", "last_name", "is_staff", "date_joined"]
    search_fields = ["email", "first_name", "last_name"]
    ordering = ["email"]
    readonly_fields = ["adult_confirmed_at", "terms_version", "terms_accepted_at"]
    fieldsets = [
        *DjangoUserAdmin.fieldsets,
        (_("Consent"), {"fields": readonly_fields}),
    ]


@admin.register(EmailOptOut)
class EmailOptOutAdmin(ModelAdmin):
    list_display = ["user", "kind", "created_at"]
    list_filter = ["kind"]
    raw_id_fields = ["user"]
