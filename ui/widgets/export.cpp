#include "widgets/export.h"

#include <QBuffer>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QApplication>
#include <QImage>
#include <QMainWindow>
#include <QMessageBox>
#include <QPageLayout>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>
#include <QPixmap>
#include <QRegularExpression>
#include <QSettings>
#include <QStatusBar>

#include "ddpm/atomic_file.h"
#include "ddpm/error.h"
#include "widgets/message_text.h"
#include "widgets/plot.h"

namespace ddpm::ui {

namespace {

const QString kLastFolderKey = QStringLiteral("export/folder");

/// Milliseconds the status bar shows where an export went.
constexpr int kSavedMessageMs = 6000;

bool writeBytes(QWidget* parent, const QString& path, const QByteArray& bytes)
{
    try {
        ddpm::writeFileAtomic(path.toStdString(), bytes.toStdString());
        // Success is said where the user looks next, the status bar (a failure gets a dialog).
        if (auto* window = parent ? qobject_cast<QMainWindow*>(parent->window()) : nullptr)
            window->statusBar()->showMessage(QObject::tr("Saved %1").arg(QDir::toNativeSeparators(path)),
                                             kSavedMessageMs);
        return true;
    } catch (const ddpm::Error& e) {
        QMessageBox::warning(parent, QObject::tr("Could not save"), messageText(QString::fromStdString(e.what())));
        return false;
    }
}

/// The image as PNG bytes, with the caption and the program as PNG text.
QByteArray pngBytes(QImage image, const QString& caption)
{
    if (!caption.isEmpty())
        image.setText(QString::fromLatin1(figureCaptionKey()), caption);
    image.setText(QStringLiteral("Software"), QStringLiteral("DDPM Studio"));
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    image.save(&buffer, "PNG");
    return bytes;
}

/// `figure` with `caption` written under it (wrapped to the figure's width), on white.
QImage withCaption(const QImage& figure, const QString& caption)
{
    if (caption.isEmpty())
        return figure;
    const qreal dpr = figure.devicePixelRatio();
    const QSize logical = (QSizeF(figure.size()) / dpr).toSize();
    const QFont font = QApplication::font();
    const QFontMetrics metrics(font);
    const int margin = 6;
    const QRect textBox = metrics.boundingRect(QRect(0, 0, logical.width() - 2 * margin, 10000),
                                               Qt::TextWordWrap | Qt::AlignLeft, caption);
    QImage out((QSizeF(logical.width(), logical.height() + textBox.height() + 2 * margin) * dpr).toSize(),
               QImage::Format_RGB32);
    out.setDevicePixelRatio(dpr);
    out.fill(Qt::white);
    QPainter painter(&out);
    painter.drawImage(QPoint(0, 0), figure);
    painter.setFont(font);
    painter.setPen(QColor(0x33, 0x33, 0x33));
    painter.drawText(QRect(margin, logical.height() + margin, logical.width() - 2 * margin, textBox.height()),
                     Qt::TextWordWrap | Qt::AlignLeft, caption);
    return out;
}
} // namespace

QString askSavePath(QWidget* parent, const QString& title, const QString& defaultName, const QString& filters)
{
    QSettings settings;
    const QString folder = settings.value(kLastFolderKey).toString();
    QString selectedFilter;
    QString path = QFileDialog::getSaveFileName(parent, title, QDir(folder).filePath(defaultName), filters,
                                                &selectedFilter);
    if (path.isEmpty())
        return {};
    if (QFileInfo(path).suffix().isEmpty()) {
        // "PNG image (*.png)" -> ".png"
        const int star = selectedFilter.indexOf(QStringLiteral("*."));
        if (star >= 0)
            path += selectedFilter.mid(star + 1).section(QRegularExpression(QStringLiteral("[ );]")), 0, 0);
    }
    settings.setValue(kLastFolderKey, QFileInfo(path).absolutePath());
    return path;
}

bool savePlot(QWidget* parent, QCustomPlot* plot, const QString& path, const QString& caption, int width, int height)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix == QStringLiteral("png"))
        return writeBytes(parent, path, pngBytes(withCaption(plot->toPixmap(width, height, 2.0).toImage(), caption), caption));
    if (suffix != QStringLiteral("pdf")) {
        QMessageBox::warning(parent, QObject::tr("Could not save"),
                             QObject::tr("Plots are saved as .png or .pdf, not .%1.").arg(suffix));
        return false;
    }
    // Vector PDF: the plot drawn by QCustomPlot's painter, the caption as text under it, one page.
    const int w = width > 0 ? width : plot->width();
    const int h = height > 0 ? height : plot->height();
    const QFont font = QApplication::font();
    const int margin = 6;
    const QRect textBox = caption.isEmpty()
        ? QRect()
        : QFontMetrics(font).boundingRect(QRect(0, 0, w - 2 * margin, 10000), Qt::TextWordWrap, caption);
    const int total = h + (caption.isEmpty() ? 0 : textBox.height() + 2 * margin);
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    {
        QPdfWriter writer(&buffer);
        writer.setCreator(QStringLiteral("DDPM Studio"));
        writer.setTitle(caption);
        writer.setPageLayout(QPageLayout(QPageSize(QSizeF(w, total), QPageSize::Point, QString(), QPageSize::ExactMatch),
                                         QPageLayout::Portrait, QMarginsF(0, 0, 0, 0)));
        QCPPainter painter;
        if (!painter.begin(&writer)) {
            QMessageBox::warning(parent, QObject::tr("Could not save"), QObject::tr("Could not write the PDF %1.").arg(path));
            return false;
        }
        painter.setMode(QCPPainter::pmVectorized);
        painter.setMode(QCPPainter::pmNoCaching);
        painter.setWindow(QRect(0, 0, w, total));
        plot->toPainter(&painter, w, h);
        if (!caption.isEmpty()) {
            painter.setFont(font);
            painter.setPen(QColor(0x33, 0x33, 0x33));
            painter.drawText(QRect(margin, h + margin, w - 2 * margin, textBox.height()), Qt::TextWordWrap, caption);
        }
        painter.end();
    }
    plot->replot();
    return writeBytes(parent, path, bytes);
}

bool saveText(QWidget* parent, const QString& path, const QString& text)
{
    return writeBytes(parent, path, text.toUtf8());
}

bool saveWidgetPng(QWidget* parent, QWidget* widget, const QString& path, const QString& caption)
{
    return writeBytes(parent, path, pngBytes(withCaption(widget->grab().toImage(), caption), caption));
}

bool saveImagePng(QWidget* parent, const QImage& image, const QString& path, const QString& caption)
{
    return writeBytes(parent, path, pngBytes(withCaption(image, caption), caption));
}

} // namespace ddpm::ui
