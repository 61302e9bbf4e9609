// placeholder until the unit's tests are written
#include <QtTest>
class TestCliSchedule : public QObject { Q_OBJECT };
QTEST_GUILESS_MAIN(TestCliSchedule)
#include "test_cli_schedule.moc"
