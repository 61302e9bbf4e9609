#include "widgets/export.h"

#include <QBuffer>
#include <QFileDialog>
#include <QFileInfo>
#include <QMessageBox>
#include <QPixmap>
#include <QRegularExpression>
#include <QSettings>

#include "ddpm/atomic_file.h"
#include "ddpm/error.h"
#include "widgets/plot.h"

namespace ddpm::ui {

namespace {

const QString kLastFolderKey = QStringLiteral("export/folder");

bool writeBytes(QWidget* parent, const QString& path, const QByteArray& bytes)
{
    try {
        ddpm::writeFileAtomic(path.toStdString(), bytes.toStdString());
        return true;
    } catch (const ddpm::Error& e) {
        QMessageBox::warning(parent, QObject::tr("Could not save"), QString::fromStdString(e.what()));
        return false;
    }
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

bool savePlot(QWidget* parent, QCustomPlot* plot, const QString& path, int width, int height)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix == QStringLiteral("pdf")) {
        // QCustomPlot writes PDF only to a path; write beside the target, then move atomically.
        const QString temp = path + QStringLiteral(".part.pdf");
        if (!plot->savePdf(temp, width, height)) {
            QFile::remove(temp);
            QMessageBox::warning(parent, QObject::tr("Could not save"),
                                 QObject::tr("Could not write the PDF %1.").arg(path));
            return false;
        }
        QFile file(temp);
        if (!file.open(QIODevice::ReadOnly)) {
            QFile::remove(temp);
            return false;
        }
        const QByteArray bytes = file.readAll();
        file.close();
        QFile::remove(temp);
        return writeBytes(parent, path, bytes);
    }
    if (suffix != QStringLiteral("png")) {
        QMessageBox::warning(parent, QObject::tr("Could not save"),
                             QObject::tr("Plots are saved as .png or .pdf, not .%1.").arg(suffix));
        return false;
    }
    const QPixmap pixmap = plot->toPixmap(width, height, 2.0);
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    pixmap.save(&buffer, "PNG");
    return writeBytes(parent, path, bytes);
}

bool saveText(QWidget* parent, const QString& path, const QString& text)
{
    return writeBytes(parent, path, text.toUtf8());
}

bool saveWidgetPng(QWidget* parent, QWidget* widget, const QString& path)
{
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    widget->grab().save(&buffer, "PNG");
    return writeBytes(parent, path, bytes);
}

} // namespace ddpm::ui
