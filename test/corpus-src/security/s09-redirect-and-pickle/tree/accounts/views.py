import pickle

from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme


def login_done(request):
    return redirect(request.GET.get("next", "/"))  #!E:security -- open redirect


def login_done_safe(request):
    target = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    return redirect(target)  #!N -- validated


def restore_cart(request):
    cart = pickle.loads(request.body)  #!E:security -- arbitrary code execution
    request.session["cart"] = cart
    return redirect("/cart/")  #!N -- a literal URL
