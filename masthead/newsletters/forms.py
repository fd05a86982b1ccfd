"""Input from readers, validated with messages they can act on."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext, gettext_lazy

from masthead.newsletters.addresses import address_normalize
from masthead.newsletters.models import EMAIL_MAX_LENGTH, SOURCE_PAGE_MAX_LENGTH


class SignupForm(forms.Form):
    email = forms.CharField(
        max_length=EMAIL_MAX_LENGTH,
        error_messages={
            "required": gettext_lazy("Enter your email address."),
            "max_length": gettext_lazy("An email address has at most %(limit_value)d characters."),
        },
    )
    lists = forms.MultipleChoiceField(
        required=False,
        error_messages={"invalid_choice": gettext_lazy("There is no newsletter called %(value)s.")},
    )
    # The honeypot: hidden from people, filled in by some bots.
    website = forms.CharField(required=False, max_length=500)
    source = forms.CharField(required=False, max_length=SOURCE_PAGE_MAX_LENGTH)

    def __init__(self, *args, newsletters, **kwargs):
        super().__init__(*args, **kwargs)
        self.newsletters = list(newsletters)
        self.fields["lists"].choices = [(n.slug, n.name) for n in self.newsletters]

    def clean_email(self) -> str:
        return address_normalize(self.cleaned_data["email"])

    def clean_source(self) -> str:
        source = self.cleaned_data.get("source") or ""
        # A path on this site, nothing else: it is stored with the consent.
        if not source.startswith("/") or source.startswith("//"):
            return ""
        return source

    def clean(self):
        cleaned = super().clean()
        if "lists" in cleaned and not cleaned["lists"]:
            if len(self.newsletters) == 1:
                cleaned["lists"] = [self.newsletters[0].slug]
            elif self.newsletters:
                raise ValidationError({"lists": gettext("Choose at least one newsletter.")})
            else:
                raise ValidationError(gettext("There is no newsletter to sign up for yet."))
        return cleaned

    def chosen(self):
        slugs = set(self.cleaned_data["lists"])
        return [n for n in self.newsletters if n.slug in slugs]

    def first_error(self) -> str:
        for errors in self.errors.values():
            if errors:
                return str(errors[0])
        return gettext("Please check the form.")
