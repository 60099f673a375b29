from django.db import models

from readinggroup.markup import render_markdown


class TimestampedModel(models.Model):
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class RenderedMarkdownModel(TimestampedModel):
    """Keeps each Markdown field's sanitised HTML twin (``intro`` → ``intro_html``) up to date.

    Rendering happens on every save, whichever path saves (service, admin inline, fixture), so a
    template can never show HTML that is stale or was never sanitised.
    """

    markdown_fields: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def render_markdown_fields(self) -> None:
        for field in self.markdown_fields:
            setattr(self, f"{field}_html", render_markdown(getattr(self, field)))

    def save(self, *args, **kwargs):
        self.render_markdown_fields()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            changed = set(update_fields)
            kwargs["update_fields"] = changed | {f"{f}_html" for f in self.markdown_fields if f in changed}
        super().save(*args, **kwargs)
