"""Steady's Lambda: wires the Chalice app, its authorizer and its blueprints. No logic here."""

from chalice import AuthResponse, Chalice

from chalicelib import api, identity, schedules, services
from chalicelib.errors import Unauthenticated
from chalicelib.routes import admin, groups, me, modules, openapi, plan, reminders, web, worksheets

app = Chalice(app_name="steady")
app.register_middleware(api.error_shape_middleware, "http")
# The plan downloads as a PDF (API Gateway passes it through base64-encoded).
app.api.binary_types.append("application/pdf")


# API Gateway caches the authorizer's answer per token for this long (its default, stated):
# one authorizer invocation saved per request. A cached answer can outlive the token, so the
# context carries the token's expiry and every route checks it (``identity.from_context``).
AUTHORIZER_TTL_SECONDS = 300


@app.authorizer(ttl_seconds=AUTHORIZER_TTL_SECONDS)
def cognito_jwt(auth_request):  # type: ignore[no-untyped-def]
    """Verify the Cognito access token. A bad token still reaches the route, marked, so the
    client gets a JSON 401 saying why (expired or invalid); the route refuses it. Expiry is
    checked here and again in the route, which may see this answer from the cache."""
    try:
        caller = services.current().verifier.verify(auth_request.token or "")
    except Unauthenticated as error:
        return AuthResponse(["*"], identity.ANONYMOUS, identity.to_context(None, error))
    return AuthResponse(["*"], caller.id, identity.to_context(caller))


app.register_blueprint(modules.blueprint(cognito_jwt))
app.register_blueprint(me.blueprint(cognito_jwt))
app.register_blueprint(reminders.blueprint(cognito_jwt))
app.register_blueprint(groups.blueprint(cognito_jwt))
app.register_blueprint(admin.blueprint(cognito_jwt))
app.register_blueprint(worksheets.blueprint(cognito_jwt))
app.register_blueprint(plan.blueprint(cognito_jwt))
app.register_blueprint(openapi.blueprint(cognito_jwt))
app.register_blueprint(schedules.blueprint())
app.register_blueprint(web.blueprint())
