"""What the landscape's layout means: categories, memberships, programmes, hosting.

``landscape.yml`` puts everything in categories, but not everything in it is a category:

- the *CNCF Members* category lists the foundation's members by tier (*Platinum*, *Gold*,
  *Silver*, *End User Supporter*, *Academic*, *Nonprofit*): memberships of an organisation,
  with dates, not categories (:data:`MEMBERS`);
- the *Special* category lists partner and certification programmes (*Kubernetes Certified
  Service Provider*, training partners, *Certified CNFs*), and *Platform*'s *Certified
  Kubernetes - ...* subcategories list certified distributions, hosted platforms and
  installers: certifications of an organisation or product, not categories. A certified
  distribution is still a platform: it keeps *Platform* as its category;
- the file names the CNCF as the Crunchbase organisation of every project the CNCF hosts:
  the CNCF hosts them (``eco:hostedBy``), it does not develop them.

A tier or programme the landscape renamed keeps its first id (:func:`stable_id`), so that a
renaming is not read as every member leaving one tier and joining another. Both the snapshot
importer (:mod:`~kg.importers.landscape.mapping`) and the history
(:mod:`~kg.importers.landscape.history`) apply these rules: they live here, once.
"""

from __future__ import annotations

from kg.importers.landscape.linking import slugify
from kg.importers.landscape.read import MEMBERS
from kg.namespaces import KG

SPECIAL = "Special"
CERTIFIED_KUBERNETES = "Certified Kubernetes"
#: The CNCF's Crunchbase slug: the organisation the file gives every hosted project.
CNCF_SLUG = "cloud-native-computing-foundation"
#: The curated CNCF (data/history/foundations.trig): the foundation of every membership.
CNCF = KG + "cncf"

#: Subcategories the landscape renamed: the old name's id is kept.
ID_ALIASES = {
    "end-user-supporter-and-contributor": "end-user-supporter",
    "kubernetes-and-cloud-native-training-partner": "kubernetes-training-partner",
    "certified-kubernetes-platform": "certified-kubernetes-distribution",
}
#: Programme ids whose concept has a shorter name in the ontology (kg:cncf-programmes).
PROGRAMME_CONCEPTS = {
    "kubernetes-certified-service-provider": "kcsp",
    "kubernetes-training-partner": "training-partner",
    "certified-cnfs": "certified-cnf",
}
#: The tiers and programmes the ontology describes (others get a concept in the import).
KNOWN_TIERS = frozenset(
    {"platinum", "gold", "silver", "end-user-supporter", "academic", "nonprofit"}
)
KNOWN_PROGRAMMES = frozenset(
    {
        "kubernetes-certified-service-provider",
        "kubernetes-training-partner",
        "certified-kubernetes-distribution",
        "certified-kubernetes-hosted",
        "certified-kubernetes-installer",
        "certified-cnfs",
    }
)
TIER_SCHEME = KG + "cncf-membership-tiers"
PROGRAMME_SCHEME = KG + "cncf-programmes"


def stable_id(label: str) -> str:
    """The id of a tier or programme: its slug, with the renamed ones mapped to the first."""
    slug = slugify(label)
    return ID_ALIASES.get(slug, slug)


def is_programme(category: str, subcategory: str) -> bool:
    """A subcategory that lists a programme's partners or certified products."""
    return category == SPECIAL or subcategory.startswith(CERTIFIED_KUBERNETES)


def is_membership(category: str) -> bool:
    return category == MEMBERS


def category_path(category: str, subcategory: str) -> tuple[str, str | None] | None:
    """Where an entry listed under ``category / subcategory`` belongs in the category scheme:
    the subcategory itself; the top category alone for a certification subcategory (a
    certified distribution is a platform); None for members and programme partners."""
    if category in (MEMBERS, SPECIAL):
        return None
    if subcategory.startswith(CERTIFIED_KUBERNETES):
        return (category, None)
    return (category, subcategory)


def tier_iri(tier_id: str) -> str:
    """``gold`` -> ``kg:cncf-tier-gold`` (a concept of kg:cncf-membership-tiers)."""
    return f"{KG}cncf-tier-{tier_id}"


def programme_iri(programme_id: str) -> str:
    """``kubernetes-certified-service-provider`` -> ``kg:programme-kcsp``."""
    return f"{KG}programme-{PROGRAMME_CONCEPTS.get(programme_id, programme_id)}"


def is_cncf(crunchbase_slug: str | None) -> bool:
    return crunchbase_slug == CNCF_SLUG
