"""How a request's user is read from its session."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class AccountBackend(ModelBackend):
    """Django's own username-and-password check. The user of each request is read with the city
    the account belongs to: nearly every page of a city's clerk shows it or scopes by it, which took
    a query of its own on each of them."""

    def get_user(self, user_id):
        user_model = get_user_model()
        try:
            user = user_model._default_manager.select_related("city").get(pk=user_id)
        except user_model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
