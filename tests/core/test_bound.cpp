// placeholder until the unit's tests are written
#include <QtTest>
class TestBound : public QObject { Q_OBJECT };
QTEST_GUILESS_MAIN(TestBound)
#include "test_bound.moc"
