// placeholder until the unit's tests are written
#include <QtTest>
class TestForwardPage : public QObject { Q_OBJECT };
QTEST_GUILESS_MAIN(TestForwardPage)
#include "test_forward_page.moc"
