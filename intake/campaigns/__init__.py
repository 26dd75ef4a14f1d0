"""The campaign's setup, kept by admins and the province: campaigns and their deadlines, the
cities' extensions, cities, categories, 示范模式 and accounts."""
