from library.models import Author


def author_stats():
    stats = {}
    for author in Author.objects.all():
        stats[author.name] = author.book_set.count()  #!E:queries -- reverse manager queried per author
    return stats


def author_titles():
    authors = Author.objects.prefetch_related("book_set")
    return {a.name: [b.title for b in a.book_set.all()] for a in authors}  #!N -- prefetched
