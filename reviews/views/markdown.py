"""The editor's preview and the Markdown help page."""

import functools

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST, require_safe

from core.markup import render_markdown
from reviews import throttles
from reviews.forms import MarkdownPreviewForm
from reviews.views.refusals import require

PREVIEW_TOO_MANY = (
    "Too many previews in a short time. Your text is safe in the Write tab: wait a minute, then try again."
)


@require_POST
def markdown_preview(request):
    """The sanitised HTML of one Markdown text, for the editor's Preview tab; saves nothing.

    Answers a script, not a person, so refusals are short plain-text messages the editor shows in its
    preview panel (a visitor gets 403 rather than a sign-in redirect, which a script cannot follow).
    """
    require(request, "reviews.read_reviews", reason="Previews are for signed-in members.")
    form = MarkdownPreviewForm(request.POST)
    if not form.is_valid():
        return HttpResponse(" ".join(form.errors["text"]), status=400, content_type="text/plain; charset=utf-8")
    if not throttles.allow(request, throttles.MARKDOWN_PREVIEW):
        return HttpResponse(PREVIEW_TOO_MANY, status=429, content_type="text/plain; charset=utf-8")
    preview_html = render_markdown(form.cleaned_data["text"])
    return render(request, "reviews/_markdown_preview.html", {"preview_html": preview_html})


@require_safe
def markdown_help(request):
    return render(request, "reviews/markdown_help.html", {"examples": _markdown_help_examples()})


# What the help page shows, section by section: the Markdown a member types.
MARKDOWN_HELP_SOURCES = {
    "emphasis": "*emphasis*, **strong**, ~~struck out~~ and `code`",
    "links": "[The LeNet paper](https://example.org/lenet.pdf) or a bare address: https://example.org",
    "lists": (
        "- Convolutions\n  - shared weights\n  - local receptive fields\n- Pooling\n\n1. Read\n2. Review\n3. Discuss"
    ),
    "code": "Call `model.eval()` before testing.\n\n```python\ndef relu(x):\n    return max(0.0, x)\n```",
    "maths_inline": r"The activation is $\sigma(x) = \frac{1}{1 + e^{-x}}$ and the loss $x^2$.",
    "maths_display": "$$\n" r"L = -\sum_{i} y_i \log \hat{y}_i" "\n$$",
    "dollars": "The GPU cost $5 and the paper $10.",
    "tables": (
        "| Model | Layers | Error |\n|:------|:------:|------:|\n| LeNet-5 | 7 | 0.95% |\n| AlexNet | 8 | 15.3% |"
    ),
    "tasks": "- [x] Read Section 2\n- [ ] Work through the backward pass",
    "footnotes": "Pooling was later questioned.[^1]\n\n[^1]: See the capsule networks paper.",
    "quotes": "> We show that the network learns features\n> directly from pixels.",
    "images": "![The architecture](https://example.org/lenet.png)",
    "html": "<b>Typed HTML</b> shows as text.",
}


@functools.cache
def _markdown_help_examples() -> dict[str, dict[str, str]]:
    # The sources never change while the process runs, so they are rendered once.
    return {
        name: {"source": source, "rendered_html": render_markdown(source)}
        for name, source in MARKDOWN_HELP_SOURCES.items()
    }
