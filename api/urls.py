from functools import partial

from ninja.openapi.views import default_home

from api.views import api

app_name = "api"

# ninja's own root view only raises a 404 naming the docs page; the API's index answers there instead,
# under the same name (``api:api-root``), which ninja reverses to find where the API is mounted.
urlpatterns = [
    pattern
    for pattern in api.urls[0]
    if not (isinstance(pattern.callback, partial) and pattern.callback.func is default_home)
]
