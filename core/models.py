from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models.signals import pre_save
from django.dispatch import receiver

from core.markup import MARKDOWN_MAX_LENGTH, render_markdown


def markdown_text_field(*args, **kwargs) -> models.TextField:
    """A Markdown source field: the form and the model (``full_clean``) refuse text over the budget."""
    return models.TextField(
        *args, max_length=MARKDOWN_MAX_LENGTH, validators=[MaxLengthValidator(MARKDOWN_MAX_LENGTH)], **kwargs
    )


class TimestampedModel(models.Model):
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class RenderedMarkdownModel(TimestampedModel):
    """Keeps each Markdown field's sanitised HTML twin (``intro`` → ``intro_html``) up to date.

    ``save()`` renders (a save of other fields only leaves the HTML alone), and fixtures, which
    ``loaddata`` saves without calling ``save()``, are rendered by ``render_loaded_fixture`` below: a
    template never shows HTML that did not come out of the sanitiser. ``bulk_create`` and
    ``QuerySet.update`` bypass both; code that uses them renders itself, and ``manage.py
    rerender_markup`` brings every stored row up to date.
    """

    markdown_fields: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        # A save of other fields only (hiding a comment) must not re-render from a stale copy.
        if update_fields is None or set(update_fields) & set(self.markdown_fields):
            derived = self.derive_fields()
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, *derived}
        super().save(*args, **kwargs)

    def derive_fields(self) -> set[str]:
        """Fill in the fields computed from others; returns their names."""
        for field in self.markdown_fields:
            setattr(self, f"{field}_html", render_markdown(getattr(self, field)))
        return {f"{field}_html" for field in self.markdown_fields}


@receiver(pre_save, dispatch_uid="core-render-loaded-fixture")
def render_loaded_fixture(sender, instance, raw: bool, **kwargs):
    """A fixture row's ``*_html`` is whatever the file says: replace it with a rendering of the source."""
    if raw and isinstance(instance, RenderedMarkdownModel):
        instance.derive_fields()
