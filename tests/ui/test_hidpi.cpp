// HiDPI, offscreen at QT_SCALE_FACTOR=2 (set before the application starts): plots paint into
// buffers at the widget's device pixel ratio, also when it changes after the plot was made;
// an image view shrinks images to its device pixels, not its points, so no detail the screen
// could show is thrown away.
#include <QApplication>
#include <QtTest>

#include "widgets/image_view.h"
#include "widgets/plot.h"
#include "widgets/plot_style.h"

namespace {

/// Columns of image pixels alternating black and white.
QImage stripes(int width, int height)
{
    QImage image(width, height, QImage::Format_RGB32);
    for (int x = 0; x < width; ++x)
        for (int y = 0; y < height; ++y)
            image.setPixel(x, y, x % 2 ? qRgb(255, 255, 255) : qRgb(0, 0, 0));
    return image;
}

} // namespace

class TestHiDpi : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void plotBuffersFollowTheDevicePixelRatio()
    {
        QCustomPlot plot;
        plot.resize(300, 200);
        ddpm::ui::followApplicationStyle(&plot);
        plot.show();
        QVERIFY(QTest::qWaitForWindowExposed(&plot));
        QCOMPARE(plot.devicePixelRatioF(), 2.0);
        plot.replot();
        QCOMPARE(plot.bufferDevicePixelRatio(), 2.0);
        // As if made on another screen: the next replot takes this screen's ratio again.
        plot.setBufferDevicePixelRatio(1.0);
        plot.replot();
        QCOMPARE(plot.bufferDevicePixelRatio(), 2.0);
        const QPixmap shown = plot.grab();
        QCOMPARE(shown.devicePixelRatio(), 2.0);
        QCOMPARE(shown.width(), 600);
    }

    void imagesShrinkToDevicePixels()
    {
        ddpm::ui::ImageView view;
        view.setNoteShown(false);
        view.resize(156, 156); // 150 points of image area: 300 device pixels
        view.setImage(stripes(400, 400));
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QVERIFY(qAbs(view.shownScale() - 0.75) < 0.01);
        const QImage shown = view.grab().toImage();
        QCOMPARE(shown.devicePixelRatio(), 2.0);
        // Along one row: drawn at 150 points and doubled, neighbouring device pixels would pair
        // up (at most 150 changes); shrunk to 300 device pixels they change about 225 times.
        const int row = shown.height() / 2;
        int changes = 0;
        for (int x = 1; x < shown.width(); ++x)
            changes += shown.pixel(x, row) != shown.pixel(x - 1, row);
        QVERIFY2(changes > 180, qPrintable(QString::number(changes)));

        // An image smaller than the device pixels it gets is not "shown smaller".
        view.setImage(stripes(200, 200));
        QVERIFY(view.shownScale() > 1.0);
        QVERIFY(view.scaleNote().isEmpty());
    }
};

int main(int argc, char* argv[])
{
    qputenv("QT_SCALE_FACTOR", "2");
    QApplication app(argc, argv);
    TestHiDpi test;
    return QTest::qExec(&test, argc, argv);
}

#include "test_hidpi.moc"
