// placeholder until the unit's tests are written
#include <QtTest>
class TestCliNoise : public QObject { Q_OBJECT };
QTEST_GUILESS_MAIN(TestCliNoise)
#include "test_cli_noise.moc"
