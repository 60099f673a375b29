"""The read-only JSON API of the curriculum (django-ninja), mounted at ``/api/``.

Published weeks only, whoever asks (``api.selectors``); reviews, drafts and meeting notes are never shown.
GET only: any other method gets 405, and since nothing is written there is no CSRF check and no sign-in.
The OpenAPI description is served at ``/api/openapi.json``; ninja's interactive docs page is off
(``docs_url=None``): it loads Swagger UI from a CDN, which the site's CSP forbids and which would tell a
third party who reads the API.
"""

from django.http import HttpRequest
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET
from ninja import Field, NinjaAPI, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from api import selectors
from api.caching import conditional, shown
from api.schemas import ApiIndex, Error, PaperDetail, PaperOut, ResourceOut, WeekDetail, WeekSummary

DEFAULT_LIMIT = 20
MAX_LIMIT = 100


class Pagination(LimitOffsetPagination):
    """``?limit=&offset=``; a limit over ``MAX_LIMIT`` is refused (422) rather than quietly cut."""

    class Input(Schema):
        limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
        offset: int = Field(0, ge=0)

    def __init__(self, **kwargs):
        super().__init__(max_limit=MAX_LIMIT, **kwargs)

    def paginate_queryset(self, queryset, pagination, request, **params):
        page = list(queryset[pagination.offset : pagination.offset + pagination.limit])
        shown(request, *page)
        return {"items": page, "count": queryset.count()}


def _openapi_view(view):
    """The description answers GET only, like the operations (ninja's own view takes any method); CSRF-exempt
    like them, so a POST gets 405 rather than a CSRF refusal."""
    return csrf_exempt(require_GET(conditional(view)))


api = NinjaAPI(
    title="Deep-Learning-Journey reading group: curriculum",
    version="1",
    description="The published weeks of the reading group, their papers, resources and review scopes. "
    "Read-only and public. Lists take `limit` (at most 100) and `offset`. Answers carry `ETag` and "
    "`Last-Modified`; send `If-None-Match` to get `304 Not Modified` when nothing changed.",
    urls_namespace="api",
    docs_url=None,
    docs_decorator=_openapi_view,
)
api.add_decorator(conditional, mode="view")


@api.get("/", response=ApiIndex, url_name="api-root", summary="Where the lists and the description are")
def index(request: HttpRequest):
    return {
        "weeks": reverse("api:week_list"),
        "papers": reverse("api:paper_list"),
        "openapi": reverse("api:openapi-json"),
    }


@api.get("/weeks/", response=list[WeekSummary], url_name="week_list", summary="Published weeks")
@paginate(Pagination)
def week_list(request: HttpRequest):
    return selectors.week_list()


@api.get(
    "/weeks/{int:number}/",
    response={200: WeekDetail, 404: Error},
    url_name="week_detail",
    summary="A week with its papers, resources and review scopes",
)
def week_detail(request: HttpRequest, number: int):
    week = selectors.week_get(number=number)
    shown(request, week)
    return week


@api.get(
    "/weeks/{int:number}/resources/",
    response={200: list[ResourceOut], 404: Error},
    url_name="week_resources",
    summary="A week's resources (videos, blog posts, notes, code), the papers' own included",
)
@paginate(Pagination)
def week_resources(request: HttpRequest, number: int):
    week = selectors.week_get_bare(number=number)
    shown(request, week)
    return selectors.week_resources(week=week)


@api.get("/papers/", response=list[PaperOut], url_name="paper_list", summary="Papers of the published weeks")
@paginate(Pagination)
def paper_list(request: HttpRequest):
    return selectors.paper_list()


@api.get(
    "/weeks/{int:number}/papers/{int:position}/",
    response={200: PaperDetail, 404: Error},
    url_name="paper_detail",
    summary="A paper with its resources and the review scopes it is in",
)
def paper_detail(request: HttpRequest, number: int, position: int):
    paper = selectors.paper_get(number=number, position=position)
    shown(request, paper)
    return paper
