"""Rules for the `rules` package, registered once on import."""

from __future__ import annotations

from typing import Any

import rules
from rules.predicates import is_authenticated, is_superuser


@rules.predicate
def is_article_owner(user: Any, article: Any) -> bool:
    return article is not None and article.owner_id == user.pk


rules.add_perm("testapp.change_article", is_article_owner)
rules.add_perm("testapp.delete_article", is_article_owner | is_superuser)
rules.add_perm("testapp.view_article", is_authenticated)
rules.add_perm("testapp", is_authenticated)  # has_module_perms("testapp")
