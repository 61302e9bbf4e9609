// Core's runtime header pulls in c10; it comes before any Qt header.
#include "ddpm/runtime.h"
#include "ddpm/thread_budget.h"

#include <opencv2/core/version.hpp>

#include "about_box.h"

#include <QApplication>
#include <QIcon>
#include <QMessageBox>

#include "thread_dialog.h"
#include "widgets/plot.h"

namespace ddpm::ui {

namespace {

QString row(const QString& what, const QString& value)
{
    return QStringLiteral("<tr><td style='padding-right:12px'>%1</td><td>%2</td></tr>").arg(what, value);
}

} // namespace

QString aboutText(const ddpm::ThreadBudget* budget)
{
    const QString qtRunTime = QString::fromLatin1(qVersion());
    const QString qtBuilt = QStringLiteral(QT_VERSION_STR);
    const QString qt = qtRunTime == qtBuilt ? qtRunTime : QObject::tr("%1 (built with %2)").arg(qtRunTime, qtBuilt);
    QString device;
    try {
        device = QString::fromStdString(ddpm::pickDevice("auto").str());
    } catch (const std::exception& e) {
        device = QObject::tr("none usable (%1)").arg(QString::fromUtf8(e.what()));
    }
    QString threads = QObject::tr("%1 (intra-op; Settings › Compute threads)")
                          .arg(budget ? budget->total() : ddpm::threadCount());
    if (budget) {
        const QString split = threadSplitText(*budget);
        threads += split.isEmpty() ? QStringLiteral("<br>") + threadRuleText(budget->total())
                                   : QObject::tr("; now %1").arg(split);
    }
    return QObject::tr("<h3>DDPM Studio %1</h3>"
                       "<p>See, teach and experiment with denoising diffusion probabilistic models "
                       "(Ho, Jain and Abbeel, 2020).</p>"
                       "<table>%2%3%4%5%6%7</table>"
                       "<p>Free software under the GNU General Public License, version 3 or later "
                       "(GPL-3.0-or-later). Plots by QCustomPlot (GPL-3.0); tensors by LibTorch; "
                       "images by OpenCV.</p>"
                       "<p>Default image: Chelsea the cat, CC0, Stefan van der Walt.</p>")
        .arg(QStringLiteral(DDPM_VERSION),
             row(QObject::tr("Qt"), qt),
             row(QObject::tr("LibTorch"), QString::fromStdString(ddpm::libtorchVersion())),
             row(QObject::tr("OpenCV"), QStringLiteral(CV_VERSION)),
             row(QObject::tr("Device"), device),
             row(QObject::tr("Torch threads"), threads),
             row(QObject::tr("QCustomPlot"), QStringLiteral(QCUSTOMPLOT_VERSION_STR)));
}

QMessageBox* openAboutBox(QWidget* parent, const ddpm::ThreadBudget* budget)
{
    auto* box = new QMessageBox(parent);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setObjectName(QStringLiteral("aboutBox"));
    box->setWindowTitle(QObject::tr("About DDPM Studio"));
    box->setTextFormat(Qt::RichText);
    box->setText(aboutText(budget));
    const QIcon icon = QApplication::windowIcon();
    if (!icon.isNull())
        box->setIconPixmap(icon.pixmap(64, 64));
    box->setStandardButtons(QMessageBox::Close);
    box->setWindowModality(Qt::WindowModal);
    box->open();
    return box;
}

} // namespace ddpm::ui
