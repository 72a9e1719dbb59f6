from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST


@require_POST
@csrf_exempt  #!E:security -- CSRF protection removed from a browser-facing view
def update_card(request):
    request.user.profile.card = request.POST["card"]
    request.user.profile.save()
    return HttpResponse("ok")


@require_POST
def update_address(request):  #!N -- protected
    request.user.profile.address = request.POST["address"]
    request.user.profile.save()
    return HttpResponse("ok")
