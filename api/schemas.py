"""What the API returns. Markdown fields are given as the sanitised HTML the site shows (``intro_html``,
``note_html``), not as their source: the site's Markdown has its own extensions (maths, footnotes, images
shown as links, highlighted code) that every client would have to reproduce, and a client that rendered the
source itself could let through raw HTML the site's sanitiser (``core.markup``) escapes. The HTML is what a
reader of the site sees, nothing more."""

from datetime import date, datetime

from ninja import Schema

from papers.models import Paper, Resource, ReviewScope, Week


class PaperRef(Schema):
    position: int
    title: str


class WeekSummary(Schema):
    number: int
    title: str
    heading: str
    reading_starts: date | None
    reviews_due: datetime | None
    meeting_at: datetime | None
    published_at: datetime
    page: str
    papers: list[PaperRef]

    @staticmethod
    def resolve_page(week: Week) -> str:
        return week.get_absolute_url()

    @staticmethod
    def resolve_papers(week: Week) -> list[Paper]:
        return list(week.papers.all())


class ResourceOut(Schema):
    kind: str
    kind_label: str
    topic: str
    title: str
    url: str
    note: str
    position: int
    paper: int | None  # the paper's position in its week; None for a resource about the whole week

    @staticmethod
    def resolve_kind_label(resource: Resource) -> str:
        return Resource.Kind(resource.kind).label

    @staticmethod
    def resolve_title(resource: Resource) -> str:
        return resource.display_title

    @staticmethod
    def resolve_paper(resource: Resource) -> int | None:
        return resource.paper.position if resource.paper_id else None


class ReviewScopeOut(Schema):
    position: int
    label: str
    papers: list[int]  # positions of the papers in the week
    focus: str

    @staticmethod
    def resolve_label(scope: ReviewScope) -> str:
        return scope.label()

    @staticmethod
    def resolve_papers(scope: ReviewScope) -> list[int]:
        return [paper.position for paper in scope.papers.all()]


class PaperOut(Schema):
    week: int
    position: int
    title: str
    authors: str
    year: int | None
    venue: str
    url: str
    pdf_url: str
    arxiv_id: str
    arxiv_url: str
    doi: str
    doi_url: str
    abstract: str
    focus_note: str
    note_html: str
    page: str

    @staticmethod
    def resolve_week(paper: Paper) -> int:
        return paper.week.number

    @staticmethod
    def resolve_page(paper: Paper) -> str:
        return paper.get_absolute_url()


class PaperDetail(PaperOut):
    resources: list[ResourceOut]
    review_scopes: list[ReviewScopeOut]

    @staticmethod
    def resolve_resources(paper: Paper) -> list[Resource]:
        return list(paper.resources.all())

    @staticmethod
    def resolve_review_scopes(paper: Paper) -> list[ReviewScope]:
        return list(paper.review_scopes.all())


class WeekDetail(WeekSummary):
    intro_html: str
    review_plan: str
    papers: list[PaperOut]
    resources: list[ResourceOut]
    review_scopes: list[ReviewScopeOut]

    @staticmethod
    def resolve_resources(week: Week) -> list[Resource]:
        return list(week.resources.all())

    @staticmethod
    def resolve_review_scopes(week: Week) -> list[ReviewScope]:
        return list(week.review_scopes.all())


class ApiIndex(Schema):
    weeks: str
    papers: str
    openapi: str


class Error(Schema):
    detail: str
