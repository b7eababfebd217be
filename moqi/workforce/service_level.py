"""What "service level" means, defined once for Erlang, the simulation, the KPIs and the pages.

With abandonment the industry counts it three ways; `SL_DEFINITIONS` names them and
`DEFAULT_SL` is the one shown unless asked otherwise. (No imports: the CLI reads these to
build its help without loading the numerical libraries.)
"""

SL_DEFINITIONS = {
    "offered": "answered within threshold / offered (abandons count against)",
    "answered": "answered within threshold / (offered − abandoned) (abandons ignored)",
    "short_abandons_excluded": "answered within threshold / (offered − abandoned within threshold)",
}
DEFAULT_SL = "offered"
