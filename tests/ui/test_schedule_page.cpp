// placeholder until the unit's tests are written
#include <QtTest>
class TestSchedulePage : public QObject { Q_OBJECT };
QTEST_GUILESS_MAIN(TestSchedulePage)
#include "test_schedule_page.moc"
