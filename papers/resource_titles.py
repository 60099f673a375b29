"""Readable names for resources nobody has titled yet, made from the URL alone (no network).

"YouTube video", "arXiv 1706.03762", "GitHub karpathy/char-rnn", "Medium: An introduction to recurrent
neural networks", "cs231n.github.io: Convolutional networks". Organisers can always type a better title.
"""

import re
from urllib.parse import parse_qs, unquote, urlsplit

YOUTUBE_HOSTS = {"youtube.com", "m.youtube.com", "music.youtube.com", "youtu.be", "youtube-nocookie.com"}
# Blog platforms named by their own name; the article's slug says what the post is about.
BLOG_SITES = {
    "medium.com": "Medium",
    "towardsdatascience.com": "Towards Data Science",
    "substack.com": "Substack",
    "distill.pub": "Distill",
    "colah.github.io": "colah's blog",
    "karpathy.github.io": "Andrej Karpathy's blog",
    "lilianweng.github.io": "Lil'Log",
    "jalammar.github.io": "Jay Alammar's blog",
}
ARXIV_ID = re.compile(r"^(?:abs|pdf|html)/(?P<id>.+?)(?:\.pdf)?$")
# Medium appends a hex id to slugs ("…-networks-72c97bf0912"); pages end in .html or .php.
SLUG_NOISE = re.compile(r"(\.(?:html?|php|aspx?)|-[0-9a-f]{8,})$")


def default_title(url: str) -> str:
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower().removeprefix("www.")
    segments = [unquote(segment) for segment in parts.path.split("/") if segment]
    if host in YOUTUBE_HOSTS:
        if "list" in parse_qs(parts.query) and "v" not in parse_qs(parts.query):
            return "YouTube playlist"
        return "YouTube video"
    if host in {"arxiv.org", "export.arxiv.org"}:
        match = ARXIV_ID.match("/".join(segments))
        return f"arXiv {match['id']}" if match else "arXiv"
    if host == "github.com":
        return f"GitHub {'/'.join(segments[:2])}" if segments else "GitHub"
    if host in {"doi.org", "dx.doi.org"} and segments:
        return f"DOI {'/'.join(segments)}"
    site = _blog_site(host)
    words = _readable_slug(segments[-1]) if segments else ""
    if site:
        return f"{site}: {words}" if words else site
    if not host:
        return url
    return f"{host}: {words}" if words else host


def _blog_site(host: str) -> str:
    for domain, name in BLOG_SITES.items():
        if host == domain or host.endswith(f".{domain}"):
            return name
    return ""


def _readable_slug(segment: str) -> str:
    words = re.sub(r"[-_+]+", " ", SLUG_NOISE.sub("", segment)).strip()
    if not words or words.isdigit():
        return ""
    return words[0].upper() + words[1:]
