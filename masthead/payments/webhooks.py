"""The one webhook endpoint every provider shares: ``POST /payments/webhooks/<provider>/``.

POST only and exempt from CSRF (providers sign instead). A provider whose webhook secret is
not configured has no endpoint at all (404): it could not tell the provider from a forger.
The provider checks the signature in constant time; a bad or missing one gets 400 and
nothing is stored. A verified body is parsed by the provider into normalized events
(``webhook_parse``: events or one ``WebhookPayloadError``, which gets 400 with its reason),
each handed to ``webhook_event_receive``, which processes an event id once however often it
is delivered.

Refusals are logged every time and written to the security audit log at most once per
provider, reason and hour (``security_event_record_once``): anyone can post here, and a
flood of forgeries must not become a flood of rows. A call to a provider's endpoint while it
is off is audited the same way (``webhook.secret_missing``).
"""

from __future__ import annotations

import logging

from django.http import HttpRequest, JsonResponse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from masthead.audit.services import webhook_off_record, webhook_refused_record
from masthead.payments import registry, services
from masthead.payments.base import ProviderUnavailableError, WebhookPayloadError

logger = logging.getLogger(__name__)

# Real events are a few kilobytes; anything far larger is not one.
MAX_BODY_BYTES = 512 * 1024


@method_decorator(csrf_exempt, name="dispatch")
class ProviderWebhookView(View):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, provider_name: str) -> JsonResponse:
        provider = registry.provider_get(provider_name)
        if provider is None or not provider.webhook_configured():
            if provider is not None and provider.webhooks:
                webhook_off_record(endpoint=f"payments/{provider.name}")
            return JsonResponse({"error": "no such payment provider"}, status=404)
        endpoint = f"payments/{provider.name}"
        length = request.headers.get("Content-Length", "")
        # ASCII digits only: int() refuses "²", and a number of thousands of digits.
        if (
            length.isascii()
            and length.isdigit()
            and (len(length) > 9 or int(length) > MAX_BODY_BYTES)
        ):
            return JsonResponse({"error": "body too large"}, status=413)
        body = request.body
        if not provider.webhook_verify(body=body, headers=request.headers):
            webhook_refused_record(endpoint=endpoint, reason="signature")
            return JsonResponse({"error": "bad, old or missing signature"}, status=400)
        try:
            events = provider.webhook_parse(body=body)
        except WebhookPayloadError as exc:
            webhook_refused_record(endpoint=endpoint, reason="malformed")
            return JsonResponse({"error": f"cannot read the event: {exc}"}, status=400)
        except ProviderUnavailableError:
            logger.warning("%s webhook: the provider's API did not answer", provider.name)
            return JsonResponse({"error": "try again later"}, status=503)
        try:
            outcomes = [
                services.webhook_event_receive(provider=provider.name, event=event)
                for event in events
            ]
        except Exception:
            # Nothing of the failed event is stored; the provider retries the delivery.
            logger.exception("%s webhook: could not process an event", provider.name)
            return JsonResponse({"error": "could not process the event; try again"}, status=503)
        return JsonResponse({"received": len(events), "outcomes": outcomes})
