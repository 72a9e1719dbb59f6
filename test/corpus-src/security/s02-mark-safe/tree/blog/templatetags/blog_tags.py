from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag
def author_link(author):
    return mark_safe(f'<a href="/u/{author.username}">{author.display_name}</a>')  #!E:security -- user data unescaped


@register.simple_tag
def author_link_safe(author):
    return format_html('<a href="/u/{}">{}</a>', author.username, author.display_name)  #!N -- format_html escapes


@register.simple_tag
def separator():
    return mark_safe("<hr>")  #!N -- a literal
