"""Settings for every test, the doctests of the package included."""
import pytest


@pytest.fixture(autouse=True)
def _close_figures():
    """Figures made by a test or a doctest are closed after it, so memory stays flat over the suite."""
    yield
    import matplotlib.pyplot as plt

    plt.close("all")
