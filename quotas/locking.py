"""A city's quota lock: every write that counts a city's nominations, or changes what it may
count (a quota rule, its 示范城市 tier, its deadline, its slate's state), holds it until the
transaction ends, so the count it checked is still the count when it commits."""

from intake.common.locking import lock_objects


def city_key(campaign, city):
    """The key of one city's quota lock in one campaign."""
    return ("intake.city", campaign.pk, city.pk)


def lock_city(campaign, city):
    """Hold the city's quota lock for `campaign` until the transaction ends."""
    lock_objects([city_key(campaign, city)], rows=[city])


def lock_cities(campaigns, cities):
    """Hold the quota locks of every city of `cities` in every campaign of `campaigns`."""
    cities = list(cities)
    lock_objects({city_key(campaign, city) for campaign in campaigns for city in cities}, rows=cities)
