import getpass
import sys

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from accounts.organisers import appoint_organiser


class Command(BaseCommand):
    help = (
        "Create (or promote) an organiser: staff, in the Organisers group, email verified, "
        "never a superuser. They set up two-factor sign-in on their first visit to the admin."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument(
            "--password-stdin",
            action="store_true",
            help="read the password from standard input instead of prompting",
        )

    def handle(self, *args, email, password_stdin, **options):
        try:
            validate_email(email)
        except ValidationError:
            raise CommandError(f"{email!r} is not an email address") from None
        User = get_user_model()
        user = User.objects.filter(email__iexact=email).first()
        password = None
        if user is None:
            password = self.read_password(password_stdin)
            try:
                validate_password(password, User(email=email))
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from None
        appoint_organiser(email, user=user, password=password)
        self.stdout.write(
            f"{email} is an organiser. They will set up two-factor sign-in at /admin/."
        )

    def read_password(self, from_stdin):
        if from_stdin:
            return self.stdin_line()
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Password (again): "):
            raise CommandError("The passwords do not match")
        return first

    def stdin_line(self):
        return sys.stdin.readline().rstrip("\n")
