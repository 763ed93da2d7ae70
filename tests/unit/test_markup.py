"""Admin-written Markdown becomes sanitised HTML."""
from store.markup import plain_text, render_markdown


def test_markdown_renders_basic_formatting():
    html = render_markdown("A **sturdy** tool.\n\n- one\n- two")
    assert "<strong>sturdy</strong>" in html
    assert "<li>one</li>" in html


def test_scripts_and_event_handlers_are_removed():
    html = render_markdown('Hi <script>alert(1)</script><img src="x.png" alt="x" onerror="alert(2)">'
                           '<a href="javascript:alert(3)">click</a><iframe src="https://evil.example"></iframe>')
    assert "<script" not in html and "alert(1)" not in html
    assert "onerror" not in html
    assert "javascript:" not in html
    assert "<iframe" not in html


def test_style_attributes_and_unknown_tags_are_removed():
    html = render_markdown('<p style="color:red" class="x">text</p><form action="/x"><input></form>')
    assert "style=" not in html and "<form" not in html and "<input" not in html
    assert "text" in html


def test_links_get_safe_rel():
    html = render_markdown("[site](https://example.com)")
    assert 'href="https://example.com"' in html
    assert "noopener" in html and "nofollow" in html


def test_h1_is_demoted_so_the_page_keeps_one_h1():
    html = render_markdown("# Big title\n\ntext")
    assert "<h1" not in html and "<h2>Big title</h2>" in html


def test_empty_input():
    assert render_markdown(None) == "" and render_markdown("") == ""


def test_plain_text_strips_markup():
    assert plain_text("A **bold** <em>move</em>\n\n* list") == "A bold move list"
