from run import app


def test_root_says_hello():
    response = app.test_client().get("/")
    assert response.status_code == 200
    assert response.text == "Hello World!"


def test_unknown_path_is_404():
    assert app.test_client().get("/missing").status_code == 404
