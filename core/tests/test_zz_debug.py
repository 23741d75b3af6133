def test_dbg(world_a, client_for):
    c = client_for(world_a.admin)
    r = c.get(f"/t/{world_a.slug}/")
    print(r.status_code, dict(c.session.items()), r.cookies)
    assert 0
