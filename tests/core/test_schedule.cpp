// placeholder until the unit's tests are written
#include <QtTest>
class TestSchedule : public QObject { Q_OBJECT };
QTEST_GUILESS_MAIN(TestSchedule)
#include "test_schedule.moc"
