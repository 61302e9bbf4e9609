#include "widgets/least_height.h"

namespace ddpm::ui {

LeastHeightLayout::LeastHeightLayout(QWidget* parent)
    : QVBoxLayout(parent)
{ }

int LeastHeightLayout::heightForWidth(int width) const
{
    // QBoxLayout works out both heights in one pass, started by its heightForWidth.
    if (m_measuring)
        return QVBoxLayout::heightForWidth(width);
    m_measuring = true;
    const int least = QVBoxLayout::minimumHeightForWidth(width);
    m_measuring = false;
    return least;
}

} // namespace ddpm::ui
