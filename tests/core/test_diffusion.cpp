// placeholder until the unit's tests are written
#include <QtTest>
class TestDiffusion : public QObject { Q_OBJECT };
QTEST_GUILESS_MAIN(TestDiffusion)
#include "test_diffusion.moc"
