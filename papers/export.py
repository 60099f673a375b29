"""Writes the curriculum back as a README in the Deep-Learning-Journey style.

``journey_export(weeks)`` is the inverse of ``papers.services.journey_import`` for what the README style
can say: importing the export changes nothing, and exporting an import re-imports to the same rows.

What is written, week by week in number order:

- ``### Week N: Title`` (``### Week N`` when the title is just "Week N"), then the intro as written.
- The review scopes, when they differ from the default (one review per paper, in paper order, no focus),
  as sentences the importer reads back into the same scopes: "One review for Paper 3. One review for
  Papers 1 and 2, focusing on Section 2 of Paper 2." Then the stored review plan text, one sentence a line.
- The week's own resources, then each paper: ``#### Paper N: Title``, ``Link to the paper:`` and ``PDF:``
  lines, the paper's resources, its note, and its reading focus as sentences ("Only read Section 4.",
  "Skip the appendix.").
- Resources in position order as ``1. [title](url)`` lines, under a topic line ("CNN") when they have a
  topic and under a lead-in line ("Blog posts:") holding their note. A resource without a note whose kind
  the importer would not infer from its URL and topic gets a lead-in naming its kind ("Videos:"), so the
  kind survives and the note becomes that label.

What the README style cannot say, and so is not written (the importer leaves it as it is):
authors, year, venue, arXiv id, DOI, abstract, the schedule (reading start, due time, meeting time) and
the publish time; a paper that is in several review scopes, or a scope without papers.

Written but not read back the same (each is a limit of the format, not of this module):

- Week resources come before the papers: under a paper, a short label such as "Blog posts:" would end
  the paper's section. A paper resource whose note is such a short label is read back as the week's.
- Positions are renumbered by the importer: week resources first, then each paper's, from 1; review
  scopes from 1 in the order written.
- Once a topic or lead-in is written it applies to the following links until another replaces it: a
  resource without a topic after one with a topic (or without a note after one with a note and no topic)
  takes them over.
- Intro or note text the importer reads as something else: a line with a URL (read as a link), a short
  line of a few words right before links (read as their topic), a line ending in ":" (a lead-in),
  sentences about reviews or reading focus (taken into the review plan), a Markdown heading (level 1-3
  ends the week, level 4 becomes a lead-in). Line endings and runs of blank lines are normalised. Review
  plan text that is not such a sentence is read back as intro.
- A reading focus is read back only as "… only" or "Skip …"; a review scope's focus only capitalised,
  without a leading "the", and free of "one review for"-like phrases; stored review plan text together
  with non-default scopes makes the scope sentences unreadable.
"""

import re
from collections.abc import Iterable

from django.http import HttpResponse

from papers.journey_format import infer_kind
from papers.models import Paper, Resource, ReviewScope, Week

Kind = Resource.Kind

# Lead-ins naming a resource's kind, for resources without a note. Under a paper a short label would
# end the paper's section, so there the lead-in is a sentence (or one of the paper lead-ins).
WEEK_KIND_LEADS = {
    Kind.VIDEO: "Videos",
    Kind.BLOG_POST: "Blog posts",
    Kind.COURSE_NOTES: "Course notes",
    Kind.CODE: "Code",
    Kind.SUPPLEMENTARY_PAPER: "Supplementary papers",
}
PAPER_KIND_LEADS = {
    Kind.VIDEO: "Videos about this paper",
    Kind.BLOG_POST: "Blog posts about this paper",
    Kind.COURSE_NOTES: "Slides",
    Kind.CODE: "Code",
    Kind.SUPPLEMENTARY_PAPER: "Supplementary papers for this paper",
}
SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
MARKDOWN_SPECIALS = re.compile(r"([\\`*_\[\]<>&!#|~])")
SAFE_URL = re.compile(r"^[^\s<>()]+$")


def _escape(text: str) -> str:
    return MARKDOWN_SPECIALS.sub(r"\\\1", " ".join(text.split()))


def _link(url: str, title: str) -> str:
    destination = url if SAFE_URL.match(url) else f"<{url}>"
    return f"[{_escape(title)}]({destination})" if title else f"<{url}>" if destination != url else url


def _paper_list(positions: list[int]) -> str:
    if len(positions) == 1:
        return f"Paper {positions[0]}"
    return f"Papers {', '.join(str(p) for p in positions[:-1])} and {positions[-1]}"


def _scope_sentences(week: Week, papers: list[Paper], scopes: list[ReviewScope]) -> list[str]:
    """Sentences for the scopes, or none when they are the default the importer creates by itself."""
    groups = [(sorted(p.position for p in scope.papers.all()), scope.focus) for scope in scopes]
    default = [([paper.position], "") for paper in papers]
    if groups == default:
        return []
    sentences = []
    for positions, focus in groups:
        if not positions:
            continue
        focus_text = f", focusing on {' '.join(focus.split())}" if focus else ""
        sentences.append(f"One review for {_paper_list(positions)}{focus_text}.")
    return sentences


def _focus_sentences(focus_note: str) -> list[str]:
    sentences = []
    for part in (p.strip() for p in focus_note.split(";")):
        if not part:
            continue
        if part.lower().startswith("skip "):
            sentences.append(f"Skip {part[5:].strip()}.")
        else:
            read = re.sub(r"\s+only$", "", part, flags=re.IGNORECASE)
            sentences.append(f"Only read {read}.")
    return sentences


class _Writer:
    def __init__(self):
        self.lines: list[str] = []

    def paragraph(self, text: str):
        if text.strip():
            self.lines.extend([*text.strip("\n").splitlines(), ""])

    def resources(self, resources: Iterable[Resource], *, paper: bool):
        leads = PAPER_KIND_LEADS if paper else WEEK_KIND_LEADS
        topic, lead = "", ""  # the importer's state at the start of a week or paper section
        for resource in resources:
            wanted_lead = resource.note
            if not wanted_lead and infer_kind(resource.url, resource.topic) != resource.kind:
                label = leads.get(resource.kind, "")
                if label and infer_kind(resource.url, label) == resource.kind:
                    wanted_lead = label
            if resource.topic and resource.topic != topic:
                self.paragraph(resource.topic)
                topic, lead = resource.topic, ""
            if wanted_lead != lead:
                if wanted_lead:
                    self.paragraph(f"{wanted_lead}:")
                elif topic:
                    self.paragraph(topic)  # a topic line again: the same topic, no lead-in
                lead = wanted_lead if (wanted_lead or topic) else lead
            if self.lines and self.lines[-1] == "" and len(self.lines) > 1 and self.lines[-2].startswith("1. "):
                self.lines.pop()  # keep a list together
            self.lines.extend([f"1. {_link(resource.url, resource.title)}", ""])


def journey_export(weeks: Iterable[Week] | None = None) -> str:
    """The README text for ``weeks`` (all weeks when None), in week number order."""
    queryset = Week.objects.all() if weeks is None else Week.objects.filter(pk__in=[w.pk for w in weeks])
    queryset = queryset.order_by("number").prefetch_related("review_scopes__papers")
    out = _Writer()
    out.paragraph("# Reading list")
    for week in queryset:
        papers = list(week.papers.order_by("position"))
        resources = list(Resource.objects.filter(week=week).select_related("paper").order_by("position", "pk"))
        scopes = sorted(week.review_scopes.all(), key=lambda scope: scope.position)
        out.paragraph(f"### {week.heading}")
        out.paragraph(week.intro)
        plan = _scope_sentences(week, papers, scopes)
        plan += [s for s in SENTENCE_BREAK.split(" ".join(week.review_plan.split())) if s]
        out.paragraph("\n".join(plan))
        out.resources([r for r in resources if r.paper_id is None], paper=False)
        for paper in papers:
            out.paragraph(f"#### Paper {paper.position}: {' '.join(paper.title.split())}")
            if paper.url:
                out.paragraph(f"Link to the paper: {_link(paper.url, '')}")
            if paper.pdf_url:
                out.paragraph(f"PDF: {_link(paper.pdf_url, '')}")
            out.resources([r for r in resources if r.paper_id == paper.pk], paper=True)
            out.paragraph(paper.note)
            out.paragraph(" ".join(_focus_sentences(paper.focus_note)))
    return "\n".join(out.lines).rstrip("\n") + "\n"


def journey_export_response(weeks: Iterable[Week]) -> HttpResponse:
    """A download of ``journey_export(weeks)``, named after the weeks it holds."""
    numbers = sorted(week.number for week in weeks)
    span = f"week-{numbers[0]}" if len(numbers) == 1 else f"weeks-{numbers[0]}-{numbers[-1]}"
    response = HttpResponse(journey_export(weeks), content_type="text/markdown; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="reading-list-{span}.md"'
    return response
