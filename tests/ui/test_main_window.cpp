// placeholder until the unit's tests are written
#include <QtTest>
class TestMainWindow : public QObject { Q_OBJECT };
QTEST_GUILESS_MAIN(TestMainWindow)
#include "test_main_window.moc"
