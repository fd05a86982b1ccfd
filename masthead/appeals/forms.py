from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from wagtail.admin.forms import WagtailAdminModelForm

from masthead.appeals.services import variant_keys_fill
from masthead.core.editions import editions_enabled


class AppealForm(WagtailAdminModelForm):
    """The admin's appeal form: at least one variant, keys unique, empty keys filled in. The
    language is asked only when the site has more than one (else it stays the default)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not editions_enabled():
            self.fields.pop("language", None)

    def _variant_forms(self) -> list[forms.Form]:
        formset = self.formsets.get("variants")
        if formset is None:
            return []
        return [
            form
            for form in formset.forms
            if form.is_valid()
            and form.has_changed() | bool(form.instance.pk)
            and not (formset.can_delete and formset._should_delete_form(form))
        ]

    def clean(self):
        cleaned = super().clean()
        kept = self._variant_forms()
        if "variants" in self.formsets and not kept:
            raise ValidationError("Add at least one variant: it is what readers see.")
        keys = [form.cleaned_data.get("key") for form in kept if form.cleaned_data.get("key")]
        duplicates = sorted({key for key in keys if keys.count(key) > 1})
        if duplicates:
            raise ValidationError(f"Two variants share the key {', '.join(duplicates)}.")
        if kept and not any((form.cleaned_data.get("weight") or 0) > 0 for form in kept):
            raise ValidationError("Give at least one variant a weight above 0.")
        return cleaned

    def save(self, commit=True):
        appeal = super().save(commit=False)
        variant_keys_fill(variants=appeal.variants.all())
        if commit:
            appeal.save()
            self.save_m2m()
        return appeal
