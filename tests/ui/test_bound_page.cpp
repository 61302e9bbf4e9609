// placeholder until the unit's tests are written
#include <QtTest>
class TestBoundPage : public QObject { Q_OBJECT };
QTEST_GUILESS_MAIN(TestBoundPage)
#include "test_bound_page.moc"
