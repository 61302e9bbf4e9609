// placeholder until the unit's tests are written
#include <QtTest>
class TestDataset : public QObject { Q_OBJECT };
QTEST_GUILESS_MAIN(TestDataset)
#include "test_dataset.moc"
