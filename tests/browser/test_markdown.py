"""What a member writes about their subject shows as it should in Chromium: maths, code, tables, lists."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.factories import UserFactory

SUMMARY = r"""ResNet learns a residual $F(x) = H(x) - x$ instead of $H(x)$, and the block outputs

$$
y = \sigma\left(W_2 \, \mathrm{ReLU}(W_1 x)\right) + x
$$

```python
def residual_block(x, layers):
    return layers(x) + x  # identity shortcut
```

| depth | top-1 error |
|:-----:|------------:|
| 34    | 3.57 %      |
| 152   | 3.57 %      |

- [x] read Sections 1–3
- [ ] reproduce Table 2
  - on CIFAR-10 first
    - with 20 layers

The result holds on ImageNet[^1]. ![Figure 1: training error](https://example.org/figure-1.png)

[^1]: Table 4 of the paper.
"""


@pytest.fixture
def scope(open_scope):
    return open_scope(number=3, title="Residual networks", paper_title="Deep Residual Learning for Image Recognition")


def test_a_review_with_maths_code_tables_and_lists_renders_in_the_browser(page, sign_in, scope, screenshot):
    requested_hosts = set()
    page.on("request", lambda request: requested_hosts.add(urlsplit(request.url).hostname))
    sign_in(page, UserFactory(username="kaiming"))

    page.goto("/weeks/3/reviews/1/write/")
    page.get_by_label("Summary").fill(SUMMARY)
    page.get_by_label("Confusions").fill(r"Why does $\mathbb{E}[x]$ stay the same? It costs $5 and $10.")
    page.get_by_label("Discussion questions").fill("Would \\(\\alpha\\)-scaled shortcuts help?")
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("Your review is published")).to_be_visible()

    summary = page.locator(".prose").first
    formulas = summary.locator("math")
    expect(formulas).to_have_count(3)
    for index in range(3):
        box = formulas.nth(index).bounding_box()
        assert box and box["width"] > 0 and box["height"] > 0
    assert summary.locator("math[display=block]").evaluate("m => getComputedStyle(m).display") == "block math"
    expect(page.get_by_text("It costs $5 and $10.")).to_be_visible()  # prices stay prose
    expect(page.locator("math")).to_have_count(5)

    code = summary.locator("pre code.language-python")
    expect(code.locator("span.k", has_text="def")).to_have_count(1)
    expect(code.locator("span.c1")).to_have_text("# identity shortcut")
    assert code.locator("span.k").first.evaluate("s => getComputedStyle(s).fontWeight") == "700"

    headers = summary.locator("th")
    assert headers.nth(0).evaluate("c => getComputedStyle(c).textAlign") == "center"
    assert headers.nth(1).evaluate("c => getComputedStyle(c).textAlign") == "right"

    expect(summary.locator("input[type=checkbox][disabled]")).to_have_count(2)
    expect(summary.locator("li > ul > li > ul > li", has_text="with 20 layers")).to_have_count(1)

    summary.locator(".footnote-ref a").click()
    expect(summary.locator(".footnote-item")).to_be_in_viewport()
    expect(summary.locator(".footnote-item")).to_contain_text("Table 4 of the paper.")

    image_link = summary.get_by_role("link", name="Figure 1: training error (image at example.org)")
    expect(image_link).to_have_attribute("href", "https://example.org/figure-1.png")
    expect(page.locator("img")).to_have_count(0)
    screenshot("rendered-review")
    assert requested_hosts <= {"localhost", "127.0.0.1"}, requested_hosts
