// placeholder until the unit's tests are written
#include <QtTest>
class TestCliBound : public QObject { Q_OBJECT };
QTEST_GUILESS_MAIN(TestCliBound)
#include "test_cli_bound.moc"
