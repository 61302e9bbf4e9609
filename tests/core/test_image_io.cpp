// placeholder until the unit's tests are written
#include <QtTest>
class TestImageIo : public QObject { Q_OBJECT };
QTEST_GUILESS_MAIN(TestImageIo)
#include "test_image_io.moc"
