"""What the worker loads when it starts, before its first task (see test_scheduler for the
worker command sending the signal). No database: it reads none."""


def test_warming_up_loads_the_public_templates_and_urls():
    from django.template import engines
    from django.urls import get_resolver

    from masthead.distribution.services.render import public_templates, warm_up

    warm_up()
    assert get_resolver()._populated
    loader = engines["django"].engine.template_loaders[0]
    cached = {str(key).split("-")[0] for key in loader.get_template_cache}
    expected = {"base.html", "publishing/article_page.html", "publishing/includes/teaser.html"}
    assert expected <= set(public_templates())
    assert set(public_templates()) <= cached
