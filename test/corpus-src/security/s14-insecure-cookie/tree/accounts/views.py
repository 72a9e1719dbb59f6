from django.http import HttpResponse


def remember_me(request):
    response = HttpResponse("ok")
    response.set_cookie("remember", request.user.pk, max_age=86400 * 30)  #!E:security -- neither secure nor httponly
    return response


def remember_me_fixed(request):
    response = HttpResponse("ok")
    response.set_cookie("remember", request.user.pk, max_age=86400 * 30, secure=True, httponly=True, samesite="Lax")  #!N -- protected
    return response
