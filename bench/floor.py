"""The framework's floor for bench/pages.py: a bare Flask + Jinja app, no database, no extensions.

`/page/<size>` renders a page of about `size` bytes: a layout (header, nav, footer) and a list of product cards
held in memory, each with a name, a price, a link and a picture, through an autoescaped Jinja template, the way
the store renders its own pages. bench/pages.py serves it with the same gunicorn settings as the store and
loads it the same way, so "store req/s / floor req/s" is the share of the framework's own speed the store keeps.

    gunicorn -w 2 'bench.floor:app'
"""
from __future__ import annotations

from flask import Flask, render_template
from jinja2 import DictLoader

app = Flask(__name__)

ITEMS = [{"name": f"Textured Foam Roller {i}", "slug": f"textured-foam-roller-{i}", "price": f"${12 + i % 40}.95",
          "summary": "A firm roller for the back and legs, with ridges that knead as it rolls.",
          "image": "/static/img/products/placeholder.svg", "stock": "In stock" if i % 5 else "Only 2 left"}
         for i in range(2000)]

TEMPLATE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{{ title }} · Floor</title>
  <link rel="stylesheet" href="/static/css/store.css">
</head>
<body>
  <header class="site-header"><div class="wrap">
    <a class="brand" href="/">Floor</a>
    <form class="site-search" role="search" action="/search" method="get"><input type="search" name="q"></form>
    <nav aria-label="Main"><ul><li><a href="/products">Shop</a></li><li><a href="/guides">Guides</a></li>
    <li><a href="/account/login">Sign in</a></li><li><a href="/cart">Cart <span>0</span></a></li></ul></nav>
  </div></header>
  <main id="main" class="wrap">
    <h1>{{ title }}</h1>
    <ul class="grid">
    {%- for item in items %}
      <li class="card">
        <a href="/products/{{ item.slug }}"><img src="{{ item.image }}" alt="Picture of {{ item.name }}" width="320" height="320" loading="lazy"></a>
        <h2 class="card__title"><a href="/products/{{ item.slug }}">{{ item.name }}</a></h2>
        <p class="card__summary">{{ item.summary }}</p>
        <p class="card__price">{{ item.price }} <span class="badge">{{ item.stock }}</span></p>
      </li>
    {%- endfor %}
    </ul>
  </main>
  <footer class="site-footer"><div class="wrap"><p>Floor: the framework alone.</p></div></footer>
  <script src="/static/js/store.js" defer></script>
</body>
</html>
"""
app.jinja_loader = DictLoader({"page.html": TEMPLATE})  # compiled once, like the store's templates
CARD_BYTES = 519  # about what one card above renders to
LAYOUT_BYTES = 920


@app.get("/page/<int:size>")
def page(size: int):
    count = max(1, min(len(ITEMS), (size - LAYOUT_BYTES) // CARD_BYTES))
    return render_template("page.html", title="Products", items=ITEMS[:count])


@app.get("/healthz")
def healthz():
    return "ok"
