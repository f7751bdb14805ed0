"""Views of the notifications app: the unsubscribe page (with RFC 8058 one-click) and SMS delivery receipts."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from .forms import UnsubscribeForm
from .services import describe_scope, opt_in, opt_out, read_unsubscribe_token, record_sms_receipt
from .transports.sms import twilio_signature_is_valid


def _masked(address: str) -> str:
    """alice@example.org → a••••@example.org; +15551234567 → •••••••4567: enough to recognise, not to harvest."""
    if "@" in address:
        local, domain = address.split("@", 1)
        return f"{local[:1]}••••@{domain}"
    return "•" * max(len(address) - 4, 0) + address[-4:]


# The signed token is the capability: only the person the message went to has it, so a cross-site forger
# cannot build a valid request. Mail providers' one-click POSTs (RFC 8058) carry no CSRF token at all.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    target = read_unsubscribe_token(token)
    if target is None:
        return render(request, "notifications/link_expired.html", status=404)
    channel, address, scope = target
    actor = request.user if request.user.is_authenticated else None
    if request.method == "POST":
        if request.POST.get("List-Unsubscribe") == "One-Click":
            opt_out(channel, address, scope, user=actor)
            return HttpResponse(status=200)
        if request.POST.get("action") == "undo":
            undo_everything = not scope or request.POST.get("undo_scope") == "everything"
            opt_in(channel, address, "" if undo_everything else scope, user=actor)
            return redirect(f"{request.path}?done=undone")
        form = UnsubscribeForm(request.POST)
        if form.is_valid():
            everything = not scope or form.cleaned_data["what"] == "everything"
            opt_out(channel, address, "" if everything else scope, user=actor)
            return redirect(f"{request.path}?done={'everything' if everything else 'scope'}")
    else:
        form = UnsubscribeForm()
    return render(request, "notifications/unsubscribe.html", {
        "form": form, "channel": channel, "address": _masked(address), "scope": scope,
        "scope_description": describe_scope(scope), "done": request.GET.get("done", ""),
    })


@csrf_exempt
@require_POST
def twilio_status(request):
    """Twilio's StatusCallback: a signed form post with MessageSid, MessageStatus and maybe ErrorCode."""
    params = {key: request.POST.get(key, "") for key in request.POST}
    url = settings.SITE_URL + request.get_full_path()
    if not twilio_signature_is_valid(url, params, request.headers.get("X-Twilio-Signature", ""),
                                     settings.TWILIO_AUTH_TOKEN):
        return HttpResponseForbidden("bad signature")
    record_sms_receipt(provider_id=params.get("MessageSid", ""), state=params.get("MessageStatus", ""),
                       error_code=params.get("ErrorCode", ""))
    return HttpResponse(status=204)
