#include "pages/planned_page.h"

#include <QLabel>
#include <QVBoxLayout>

namespace ddpm::ui {

PlannedPage::PlannedPage(const QString& title, const QString& description, QWidget* parent)
    : QWidget(parent)
{
    auto* heading = new QLabel(QStringLiteral("<h2>%1</h2>").arg(title.toHtmlEscaped()), this);
    auto* body = new QLabel(description, this);
    body->setWordWrap(true);
    body->setTextFormat(Qt::RichText);
    auto* note = new QLabel(tr("<i>Not available in this version yet.</i>"), this);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(heading);
    layout->addWidget(body);
    layout->addWidget(note);
    layout->addStretch(1);
    layout->setContentsMargins(32, 24, 32, 24);
}

} // namespace ddpm::ui
