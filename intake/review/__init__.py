"""The city's slate and the province's review (notice 三(三)–(四)): the city's formal review of
each nominee, the stamped uploads and the submission; the province's overview, acceptance,
return and rejection, paper copies received, and its own selection for the ministry; the
cross-checks both sides see. `states` holds the slate's states and moves as data."""
