"""What an import made from which item of the old site, so that a second run updates instead
of duplicating."""

from django.db import models


class ImportedItem(models.Model):
    class Source(models.TextChoices):
        WORDPRESS = "wordpress", "WordPress"
        GHOST = "ghost", "Ghost"

    class Kind(models.TextChoices):
        POST = "post", "post or page"
        SECTION = "section", "section (category or primary tag)"
        AUTHOR = "author", "author"
        IMAGE = "image", "image"

    source = models.CharField(max_length=20, choices=Source.choices)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # The old site's identifier: WordPress post ID, author login or category slug, Ghost id or
    # tag slug, an image's path.
    source_id = models.CharField(max_length=500)
    page = models.ForeignKey(
        "wagtailcore.Page", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    author = models.ForeignKey(
        "publishing.Author", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # A digest of what the item was imported from: unchanged items are skipped on a rerun.
    fingerprint = models.CharField(max_length=64, blank=True)
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source", "kind", "source_id"], name="imports_item_unique_source_id"
            )
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.kind} {self.source_id}"
