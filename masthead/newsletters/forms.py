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
    # Set by a form that shows the lists as choices: ticking none is then a mistake to point
    # out, not a signup for the pre-selected lists.
    lists_shown = forms.BooleanField(required=False)
    # The honeypot: hidden from people, filled in by some bots.
    website = forms.CharField(required=False, max_length=500)
    source = forms.CharField(required=False, max_length=SOURCE_PAGE_MAX_LENGTH)

    def __init__(self, *args, newsletters, offered, **kwargs):
        """``newsletters``: every list that may be named; ``offered``: those of the page's
        language edition, what a signup that names none joins (its pre-selected ones, or its
        only one)."""
        super().__init__(*args, **kwargs)
        self.newsletters = list(newsletters)
        self.offered = list(offered)
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
            preselected = [n for n in self.offered if n.is_default]
            if len(self.offered) == 1:
                cleaned["lists"] = [self.offered[0].slug]
            elif preselected and not cleaned.get("lists_shown"):
                cleaned["lists"] = [n.slug for n in preselected]
            elif self.offered:
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
